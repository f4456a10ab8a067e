"""`from azureml.core.model import Model` under Modelport: Model.get_model_path with the reference's
resolution rules, for scripts running inside a deployed service."""
import os
import re


class ModelNotFoundException(Exception):
    pass


class Model:
    """Only the class method scoring scripts use inside a service; the rest of the SDK needs a workspace."""

    @staticmethod
    def get_model_path(model_name, version=None, _workspace=None):
        # AZUREML_MODEL_DIR is deliberately not read: the reference resolves from the app root.
        root = os.environ.get("AML_APP_ROOT") or os.getcwd()
        name_dir = os.path.join(root, "azureml-models", model_name)
        if version is None and os.path.isdir(name_dir):
            numbers = [int(v) for v in os.listdir(name_dir) if re.fullmatch(r"\d+", v) and os.path.isdir(os.path.join(name_dir, v))]
            if numbers:
                version = max(numbers)
        if version is not None:
            version_dir = os.path.join(name_dir, str(version))
            if os.path.isdir(version_dir):
                children = sorted(os.listdir(version_dir))
                if len(children) != 1:
                    raise ModelNotFoundException(
                        "Model %s:%s: %s should hold exactly one file or folder, it holds %d (%s)."
                        % (model_name, version, version_dir, len(children), ", ".join(children))
                    )
                return os.path.join(version_dir, children[0])
        if os.path.exists(model_name):
            return model_name
        raise ModelNotFoundException(
            "Model not found in cache or in root at ./%s. Served models are under %s; register the model under "
            "the name %r and deploy the service with it." % (model_name, os.path.join(root, "azureml-models"), model_name)
        )
