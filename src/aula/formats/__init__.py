"""Django format overrides (``FORMAT_MODULE_PATH``): only where Django's own formats read wrong
to the public bodies who use Aula."""
