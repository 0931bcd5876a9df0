"""What the event forms of the console and the admin share."""

from django.core.exceptions import NON_FIELD_ERRORS


class UnshownFieldErrors:
    """For a ModelForm that leaves some of the model's fields to another page (the registration
    window is set on the registration settings, the status by the life cycle's moves): the
    model's errors about such a field are shown at the top of the form instead of failing."""

    def _update_errors(self, errors):
        if hasattr(errors, "error_dict"):
            unshown = [name for name in errors.error_dict
                       if name != NON_FIELD_ERRORS and name not in self.fields]
            for name in unshown:
                errors.error_dict.setdefault(NON_FIELD_ERRORS, []).extend(
                    errors.error_dict.pop(name)
                )
        super()._update_errors(errors)
