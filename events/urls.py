from django.urls import path

from . import feeds, organiser_views, views

app_name = "events"

urlpatterns = [
    # Browsing (everyone; group-only events for their group's members).
    path("", views.upcoming, name="index"),
    path("past/", views.past, name="past"),
    path("month/", views.month_current, name="month_current"),
    path("month/<int:year>/<int:month>/", views.month, name="month"),
    path("week/", views.week_current, name="week_current"),
    path("week/<int:year>/<int:week>/", views.week, name="week"),
    path("<int:pk>/", views.detail, name="detail"),
    # Registration and the personal calendar (approved users).
    path("<int:pk>/register/", views.register, name="register"),
    path("<int:pk>/unregister/", views.unregister, name="unregister"),
    path("mine/", views.mine, name="mine"),
    path("mine/feed-token/", views.feed_token_regenerate, name="feed_token_regenerate"),
    # Organisers (staff; coordinators for their own group's events).
    path("new/", organiser_views.create, name="create"),
    path("<int:pk>/edit/", organiser_views.edit, name="edit"),
    path("<int:pk>/copy/", organiser_views.copy, name="copy"),
    path("<int:pk>/cancel/", organiser_views.cancel, name="cancel"),
    path("<int:pk>/attendees/", organiser_views.attendees, name="attendees"),
    path("<int:pk>/attendees.csv", organiser_views.attendees_csv, name="attendees_csv"),
    path("<int:pk>/attendees/email/", organiser_views.email_attendees, name="email_attendees"),
    # iCalendar.
    path("feed.ics", feeds.public_feed, name="feed_public"),
    path("feed/<str:code>.ics", feeds.group_feed, name="feed_group"),
    path("feed/personal/<str:token>.ics", feeds.personal_feed, name="feed_personal"),
    path("<int:pk>/event.ics", feeds.event_ics, name="ics"),
]
