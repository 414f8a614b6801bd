"""The page where a user makes, sees and revokes their own API tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from duban.api import services
from duban.api.api import NAMESPACE
from duban.api.forms import TokenForm
from duban.api.models import ApiToken


@never_cache  # the page that shows a new token once must not be kept by a browser or proxy
@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            record, token = services.token_create(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            created, form = {"record": record, "token": token}, TokenForm()
    context = {
        "form": form,
        "created": created,
        "tokens": ApiToken.objects.visible_to(request.user),
        "docs_url": reverse(f"{NAMESPACE}:openapi-view"),
    }
    return render(request, "api/token_list.html", context)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.visible_to(request.user), pk=pk)
    services.token_revoke(token=token, by=request.user)
    messages.success(
        request, _("已撤销令牌“%(name)s”，用它的请求将被拒绝。") % {"name": token.name}
    )
    return redirect("api:token_list")
