from django.core.paginator import Paginator

PAGE_SIZE = 25


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    """A page of ``queryset`` for ``?page=``; a bad or out-of-range number gives a valid page, never 404/500."""
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(request.GET.get("page"))
