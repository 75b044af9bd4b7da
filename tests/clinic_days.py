"""Days the booking tests can ask for, from the clinic's own settings."""

from datetime import date, timedelta

from assistant.clinic import clinic


def open_weekday() -> date:
    """The first day at least two days ahead on which the clinic is open until 15:00."""
    place = clinic()
    day = place.local().date() + timedelta(days=2)
    while place.hours_on(day) is None or place.hours_on(day)[1].hour < 15:
        day += timedelta(days=1)
    return day
