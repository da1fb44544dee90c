"""The production settings, over plain HTTP: the test client and the live server speak HTTP."""

import os

os.environ.setdefault("SECURE_SSL_REDIRECT", "False")
os.environ.setdefault("WHITENOISE_USE_FINDERS", "True")

from reform.settings import *  # noqa: E402, F403

# Fast password hashing: the tests sign in hundreds of times.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # noqa: S303
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
FIGURES_CACHE_SECONDS = 0  # on in the tests of the cache (tests/dashboards/test_figures_cache.py)
