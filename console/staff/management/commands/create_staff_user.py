"""``python -m console.manage create_staff_user NAME --role admin``: the first admin, and others.

There is no default account or password: the password is asked for (twice), or read
from standard input with ``--password-stdin``; Django's password validators apply.
"""

from __future__ import annotations

import getpass
import sys

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from console.staff.roles import ADMIN, ROLES


class Command(BaseCommand):
    help = "Creates a staff account (or sets its role and password): reviewer, clinician or admin."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", choices=ROLES, required=True)
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-stdin", action="store_true", help="read the password from stdin"
        )

    def handle(self, username: str, role: str, email: str, password_stdin: bool, **options) -> None:
        if password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords differ.")
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(
            username=username, defaults={"email": email}
        )
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            if created:
                user.delete()
            raise CommandError(" ".join(error.messages)) from None
        user.set_password(password)
        user.is_staff = role == ADMIN  # the Django admin (user management) is for admins
        user.save()
        user.groups.set([Group.objects.get_or_create(name=role)[0]])
        self.stdout.write(f"{'Created' if created else 'Updated'} {username} ({role}).")
