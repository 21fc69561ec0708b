"""robots.txt, whose Sitemap line names the Wagtail site's own address (its Site
record), never the Host header the request came with."""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views import View

from rencontres.addresses import site_root_url
from rencontres.fragments import memo_html


class RobotsView(View):
    """The text, rendered once per publication generation and site address."""

    template_name = "robots.txt"
    content_type = "text/plain; charset=utf-8"

    def get(self, request):
        sitemap_url = site_root_url(request) + "/sitemap.xml"
        text = memo_html(
            ("robots.txt", sitemap_url),
            lambda: render_to_string(self.template_name, {"sitemap_url": sitemap_url}),
        )
        return HttpResponse(text, content_type=self.content_type)
