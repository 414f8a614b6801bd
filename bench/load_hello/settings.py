"""Minimal settings: no database, no middleware, no apps; one URL."""

SECRET_KEY = "bench-load-hello-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "load_hello.urls"
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES: dict = {}
USE_TZ = True
WSGI_APPLICATION = "load_hello.wsgi.application"
