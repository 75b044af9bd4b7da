"""The website chat: a socket.io input channel for the widget in ``web/``."""
