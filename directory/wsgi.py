import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "directory.settings.production")

application = get_wsgi_application()

# What is loaded by now (Django, the apps, their modules) lives as long as the process: the
# cyclic garbage collector need not walk it again. Each full collection then pauses a request
# for about 18 ms instead of 75 (a worker at a million programs, docs/performance.md). Garbage
# from the imports is collected first, so none of it is kept.
gc.collect()
gc.freeze()
