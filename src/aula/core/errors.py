"""The one exception for an action the domain refuses; its message is written for the organiser
and shown as it is (views put it on the page, the API in its problem details)."""


class ActionRefused(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)
