from tests.matrix import ANONYMOUS, Expect, signed_in

EXPECTATIONS = [
    # supervisors and executives start on the agenda, leads on their to-do
    Expect("home", signed_in(302, admin=200, member_a=200)),
    Expect("login", signed_in(302, **{ANONYMOUS: 200})),
    Expect("logout", signed_in(302), method="post"),
    Expect("password_change", signed_in()),
    Expect("password_change_done", signed_in()),
    Expect("set_language", {}, default=302, method="post", data={"language": "en"}),
    # Django's admin: only the admin role is staff; everyone else is sent to its login page.
    Expect("admin:index", signed_in(302, admin=200)),
]

# URL namespaces covered as a whole by one declaration above.
COVERED_NAMESPACES = {"admin": "Django admin; its entry page stands for all of it"}
