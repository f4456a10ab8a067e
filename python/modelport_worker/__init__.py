"""Modelport's Python worker: runs an Azure ML score.py behind Modelport's Node server.

Node keeps HTTP (routing, auth, CORS, request ids, swagger, metrics, limits); this process loads the script
once, runs init() once, then answers one request at a time over a framing protocol on two pipes (protocol.py).
"""
