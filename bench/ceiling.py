"""The ceiling: a bare Flask app that returns a short string, served and driven like the real one,
so that every page's req/s can be read as a share of what this machine gives Flask at all."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello from a bare Flask app."
