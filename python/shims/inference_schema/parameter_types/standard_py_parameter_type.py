from .abstract_parameter_type import AbstractParameterType, sample_json_of


class StandardPythonParameterType(AbstractParameterType):
    def __init__(self, sample_input):
        super().__init__(sample_input)

    def deserialize_input(self, input_data):
        sample = self.sample_input
        if isinstance(sample, AbstractParameterType):
            return sample.deserialize_input(input_data)
        expected = type(sample)
        accepted = isinstance(input_data, expected) or (expected is float and isinstance(input_data, int) and not isinstance(input_data, bool))
        if not accepted:
            raise ValueError("Invalid input data type to parse. Expected: %s but got %s" % (expected, type(input_data)))
        # Nested parameter types (the Inputs / GlobalParameters pattern) convert their own values; plain values
        # inside a list or a dict are not checked.
        if isinstance(sample, dict):
            out = dict(input_data)
            for key, item_type in sample.items():
                if isinstance(item_type, AbstractParameterType) and key in input_data:
                    out[key] = item_type.deserialize_input(input_data[key])
            return out
        if isinstance(sample, (list, tuple)) and sample and isinstance(sample[0], AbstractParameterType):
            item_type = sample[0]
            return [item_type.deserialize_input(v) for v in input_data]
        return input_data

    def sample_json(self):
        return sample_json_of(self.sample_input)
