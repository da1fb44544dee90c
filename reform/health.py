"""The health check ahead of the host check, so that a load balancer may call it by address.

A load balancer calls each app server by its IP address, which is not (and should not be) in
ALLOWED_HOSTS; CommonMiddleware would answer 400. The check's answer does not depend on the Host
header — no link, no redirect, nothing cached — so answering it for any host leaks nothing and
poisons nothing. Every other path still goes through the host check.
"""

from reform.views import healthz

PATH = "/healthz"


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == PATH:
            return healthz(request)
        return self.get_response(request)
