"""schemathesis hooks (test/e2e/fuzz.test.ts): the request rule of order's API that its document cannot hold.

POST /orders refuses an order whose total (sum of quantity * unitPrice) is above MAX_ORDER_TOTAL, a rule across
the items that JSON Schema cannot state (the document says it in words). A body above it is a documented 400, not
a valid request rejected, so it is not sent; the limit comes from packages/contracts through the environment.
"""

import os

import schemathesis

MAX_ORDER_TOTAL = int(os.environ["LAB_MAX_ORDER_TOTAL"])


def total(body):
    items = body.get("items") if isinstance(body, dict) else None
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        return None
    try:
        return sum(i.get("quantity", 0) * i.get("unitPrice", 0) for i in items)
    except TypeError:
        return None  # not numbers: a negative case, refused by the schema


@schemathesis.hook("filter_body").apply_to(operation_id="placeOrder")
def within_order_total(context, body):
    t = total(body)
    return t is None or t <= MAX_ORDER_TOTAL
