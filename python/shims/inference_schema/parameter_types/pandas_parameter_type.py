import io
import json

from .abstract_parameter_type import AbstractParameterType


class PandasParameterType(AbstractParameterType):
    def __init__(self, sample_input, enforce_column_type=True, enforce_shape=True, apply_column_names=False, orient="records"):
        import pandas

        if not isinstance(sample_input, pandas.DataFrame):
            raise ValueError("Invalid sample input: PandasParameterType takes a pandas.DataFrame, got %s." % type(sample_input).__name__)
        super().__init__(sample_input)
        self.enforce_column_type = enforce_column_type
        self.enforce_shape = enforce_shape
        self.apply_column_names = apply_column_names
        self.orient = orient

    def deserialize_input(self, input_data):
        import pandas

        if self.orient == "records" and isinstance(input_data, list):
            frame = pandas.DataFrame.from_records(input_data)
        else:
            frame = pandas.read_json(io.StringIO(json.dumps(input_data)), orient=self.orient)
        sample = self.sample_input
        if self.apply_column_names and len(frame.columns) == len(sample.columns):
            frame.columns = sample.columns
        if self.enforce_column_type:
            for column, dtype in sample.dtypes.items():
                if column in frame.columns:
                    frame[column] = frame[column].astype(dtype)
        if self.enforce_shape and len(frame.columns) != len(sample.columns):
            raise ValueError(
                "Invalid input data: expected %d columns like the sample (%s), got %d (%s)."
                % (len(sample.columns), ", ".join(map(str, sample.columns)), len(frame.columns), ", ".join(map(str, frame.columns)))
            )
        return frame

    def sample_json(self):
        return json.loads(self.sample_input.to_json(orient=self.orient, date_format="iso"))
