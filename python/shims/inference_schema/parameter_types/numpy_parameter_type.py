import json

from .abstract_parameter_type import AbstractParameterType


class NumpyParameterType(AbstractParameterType):
    def __init__(self, sample_input, enforce_column_type=True, enforce_shape=True):
        import numpy

        if not isinstance(sample_input, numpy.ndarray):
            raise ValueError("Invalid sample input: NumpyParameterType takes a numpy.ndarray, got %s." % type(sample_input).__name__)
        super().__init__(sample_input)
        self.enforce_column_type = enforce_column_type
        self.enforce_shape = enforce_shape

    def deserialize_input(self, input_data):
        import numpy

        sample = self.sample_input
        if sample.dtype.names and isinstance(input_data, list):
            input_data = [tuple(row.values()) if isinstance(row, dict) else tuple(row) for row in input_data]
        array = numpy.array(input_data, dtype=sample.dtype) if self.enforce_column_type else numpy.array(input_data)
        if self.enforce_shape:
            if array.ndim != sample.ndim:
                raise ValueError(
                    "Invalid input data: expected an array of %d dimensions (like the sample, shape %s), got %d (shape %s)."
                    % (sample.ndim, list(sample.shape), array.ndim, list(array.shape))
                )
            if array.shape[1:] != sample.shape[1:]:
                raise ValueError(
                    "Invalid input data: every dimension but the first must match the sample's shape %s, got %s."
                    % (list(sample.shape), list(array.shape))
                )
        return array

    def sample_json(self):
        sample = self.sample_input
        if sample.dtype.names:
            return [dict(zip(sample.dtype.names, json.loads(json.dumps(row.tolist(), default=str)))) for row in sample]
        return json.loads(json.dumps(sample.tolist(), default=str))
