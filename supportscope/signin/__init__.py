"""Sign-in protection for the admin: django-axes, told how to find the client's address.

django-axes (``axes``) records failed sign-ins and refuses to check passwords while a
client is locked out. This app fits it to SupportScope:

- the client's address comes from ``supportscope.web.clientip.client_ip`` with
  ``SUPPORTSCOPE_PROXY_COUNT``, never from ``X-Forwarded-For`` blindly;
- two limits instead of axes' one (``protection.SignInHandler``);
- a lockout page in the admin's look, in English and Korean, answered with 429;
- a thin, translated admin where staff see and lift locks.
"""
