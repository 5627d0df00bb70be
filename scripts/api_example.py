"""List a member's submitted claims through Claimdesk's REST API, then show the first one with
its items. Standard library only.

    CLAIMDESK_USERNAME=... CLAIMDESK_PASSWORD=... python scripts/api_example.py M-000001

CLAIMDESK_URL defaults to http://127.0.0.1:5000 (the server `make run` starts).
"""

import json
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request

BASE_URL = os.environ.get("CLAIMDESK_URL", "http://127.0.0.1:5000").rstrip("/")


def call(path, token=None, body=None):
    """GET (or POST a JSON body) and return the decoded answer; API refusals end the script."""
    request = urllib.request.Request(BASE_URL + path, headers={"Accept": "application/json"})
    if body is not None:
        request.data = json.dumps(body).encode()
        request.add_header("Content-Type", "application/json")
    if token is not None:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        message = json.load(error).get("message", error.reason)
        sys.exit(f"{path}: {error.code} {message}")


def rison(value):
    """The API's `q` parameter is rison: (filters:!((col:status,opr:eq,value:submitted)))."""
    if isinstance(value, dict):
        return "(" + ",".join(f"{key}:{rison(v)}" for key, v in value.items()) + ")"
    if isinstance(value, list):
        return "!(" + ",".join(rison(v) for v in value) + ")"
    if isinstance(value, bool):
        return "!t" if value else "!f"
    if isinstance(value, int) or re.fullmatch(r"[A-Za-z_][\w.-]*", value):
        return str(value)
    return "'" + value.replace("!", "!!").replace("'", "!'") + "'"


def query(**arguments):
    return "?" + urllib.parse.urlencode({"q": rison(arguments)})


def main(member_number):
    login = {"username": os.environ["CLAIMDESK_USERNAME"],
             "password": os.environ["CLAIMDESK_PASSWORD"], "provider": "db", "refresh": False}
    token = call("/api/v1/security/login", body=login)["access_token"]

    members = call("/api/v1/member/" + query(
        filters=[{"col": "member_number", "opr": "eq", "value": member_number}]), token)
    if not members["ids"]:
        sys.exit(f"No member {member_number}.")
    member_id = members["ids"][0]

    claims = call("/api/v1/claim/" + query(
        filters=[{"col": "member", "opr": "rel_o_m", "value": member_id},
                 {"col": "status", "opr": "eq", "value": "submitted"}],
        order_column="id", order_direction="asc", page=0, page_size=100), token)
    print(f"{claims['count']} submitted claim(s) of {member_number}")
    for claim in claims["result"]:
        print(f"  {claim['claim_number']}  {claim['claim_type']:<12} {claim['total_claimed']:>12}")
    if not claims["ids"]:
        return

    claim = call(f"/api/v1/claim/{claims['ids'][0]}", token)["result"]
    items = call("/api/v1/claimitem/" + query(
        filters=[{"col": "claim", "opr": "rel_o_m", "value": claims["ids"][0]}],
        order_column="line_no", order_direction="asc", page=0, page_size=100), token)
    print(f"{claim['claim_number']} at {claim['provider']['name']}, "
          f"treated {claim['treatment_date']}, status {claim['status']}")
    for item in items["result"]:
        print(f"  {item['line_no']}. {item['description']}: {item['quantity']} x "
              f"{item['unit_cost']} = {item['claimed_amount']}")
    print(f"  Total claimed: {claim['total_claimed']}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
