"""``{% memo_html %}``: a part of a page rendered once per publication.

::

    {% load rencontres_fragments %}
    {% memo_html "listing" request.get_full_path %}
      … the listing's results …
    {% endmemo_html %}

The enclosed HTML is kept in the app process's memory until the next visible change
(:func:`rencontres.fragments.memo_html`), keyed by the name, the values given after it,
the address it is read at, the language and the current minute (what « now » decides, upcoming
or past, is at most a minute old, as the HTTP cache's ``max-age`` already allows). Not
kept: a preview (its page is a draft), a request that is neither GET nor HEAD, HTML
rendered while a dependency failed. Lazy querysets inside the block are not evaluated
when the HTML is found, nor the page's deferred context
(:func:`rencontres.fragments.deferred_context`): their queries are saved with the
rendering.

The block must not depend on who asks (no user, no CSRF token, no messages).
"""

from django import template

from rencontres import fragments

register = template.Library()


class MemoHtmlNode(template.Node):
    def __init__(self, name, vary, nodelist):
        self.name = name
        self.vary = vary
        self.nodelist = nodelist

    def render(self, context):
        request = context.get("request")
        if (
            request is None
            or getattr(request, "is_preview", False)
            or request.method not in ("GET", "HEAD")
        ):
            return self.render_part(context)
        key = (
            "html",
            self.name.resolve(context),
            *fragments.request_parts(request),
            *(str(value.resolve(context)) for value in self.vary),
        )
        return fragments.memo_html(key, lambda: self.render_part(context))

    def render_part(self, context):
        """The enclosed template, with the page's deferred context computed now."""
        deferred = context.get(fragments.DEFERRED_CONTEXT)
        if deferred is None:
            return self.nodelist.render(context)
        with context.push(deferred()):
            return self.nodelist.render(context)


@register.tag
def memo_html(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(
            f"{bits[0]} takes a name, then the values the fragment depends on."
        )
    nodelist = parser.parse(("endmemo_html",))
    parser.delete_first_token()
    return MemoHtmlNode(
        parser.compile_filter(bits[1]), [parser.compile_filter(bit) for bit in bits[2:]], nodelist
    )
