# Modelport's stand-in for the parts of Azure ML's SDK that scoring scripts import; merges with a real
# azureml package when one is installed.
__path__ = __import__("pkgutil").extend_path(__path__, __name__)
