import logging

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import CreateView, TemplateView

from core.pages import PageMixin, safe_local_path
from core.ratelimits import rate_limit, with_retry_after
from representatives.verification import representatives_tell_about_correction

from .forms import CorrectionForm

spam_log = logging.getLogger("directory.spam")


@method_decorator(
    rate_limit(group="corrections", key="ip", rate="CORRECTIONS_RATE_LIMIT"), name="post"
)
class CorrectionCreateView(PageMixin, CreateView):
    """Stores a visitor's correction; errors come back on a page that keeps what they typed."""

    form_class = CorrectionForm
    template_name = "corrections/correction_form.html"
    page_title = gettext_lazy("Suggest an update")
    page_description = gettext_lazy("Tell our editors what is wrong or out of date on a page.")
    robots = "noindex"

    def post(self, request, *args, **kwargs):
        self.object = None
        if getattr(request, "limited", False):
            # Too many notes from this client: say so, keep what they typed, store nothing.
            context = self.get_context_data(form=self.get_form(), rate_limited=True)
            response = self.render_to_response(context, status=429)
            return with_retry_after(response, request.retry_after)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        if form.is_spam:
            spam_log.info("honeypot field filled; note not stored")
            return redirect(reverse("corrections:thanks"))
        response = super().form_valid(form)
        representatives_tell_about_correction(
            correction=self.object, absolute_url=self.request.build_absolute_uri
        )
        return response

    def get_initial(self):
        return {
            "page_url": safe_local_path(self.request.GET.get("page")),
            "target": self.request.GET.get("target", ""),
        }

    def get_page_title(self):
        return _("Check your note") if self.request.method == "POST" else self.page_title

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_url"] = safe_local_path(context["form"]["page_url"].value())
        return context

    def get_success_url(self):
        query = urlencode({"page": self.object.page_url})
        return f"{reverse('corrections:thanks')}?{query}"


class CorrectionThanksView(PageMixin, TemplateView):
    template_name = "corrections/correction_thanks.html"
    page_title = gettext_lazy("Thank you")
    robots = "noindex"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            back_to=safe_local_path(self.request.GET.get("page")), **kwargs
        )
