class AbstractParameterType:
    """A parameter's type, known by a sample value: converts a request's JSON value and documents the API."""

    def __init__(self, sample_input):
        self.sample_input = sample_input

    def deserialize_input(self, input_data):
        raise NotImplementedError

    def sample_json(self):
        """The sample as a JSON value, for the API's documentation."""
        raise NotImplementedError

    def input_to_swagger(self):
        return {"example": self.sample_json()}


def sample_json_of(value):
    """A sample (possibly holding parameter types) as a JSON value."""
    if isinstance(value, AbstractParameterType):
        return value.sample_json()
    if isinstance(value, dict):
        return {k: sample_json_of(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [sample_json_of(v) for v in value]
    return value
