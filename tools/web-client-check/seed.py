#!/usr/bin/env python3
"""Seeds a running server with what the web client check looks at: two public spaces with
subspaces and one private space. Run it once on a fresh data directory.

Environment: TOKEN, a global admin's bearer token (`alkemio-server token --email
admin@alkem.io` with the server's environment); SERVER, default http://localhost:4000.
"""

import json
import os
import urllib.request

SERVER = os.environ.get("SERVER", "http://localhost:4000")
TOKEN = os.environ["TOKEN"]


def gql(query, variables=None):
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    request = urllib.request.Request(
        f"{SERVER}/graphql",
        data=body,
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:
        answer = json.load(response)
    if answer.get("errors"):
        raise SystemExit(f"GraphQL errors: {answer['errors']}")
    return answer["data"]


account = gql("{ me { user { account { id } } } }")["me"]["user"]["account"]["id"]


def space(name_id, name, tagline, privacy):
    data = {
        "accountID": account,
        "nameID": name_id,
        "about": {"profileData": {"displayName": name, "tagline": tagline}},
        "settings": {"privacy": {"mode": privacy}},
        "collaborationData": {"calloutsSetData": {}},
    }
    query = "mutation($d: CreateSpaceOnAccountInput!) { createSpace(spaceData: $d) { id } }"
    return gql(query, {"d": data})["createSpace"]["id"]


def subspace(parent, name):
    data = {
        "spaceID": parent,
        "about": {"profileData": {"displayName": name}},
        "collaborationData": {"calloutsSetData": {}},
    }
    query = "mutation($d: CreateSubspaceInput!) { createSubspace(subspaceData: $d) { id } }"
    gql(query, {"d": data})


green = space("green-city", "Green City", "Cities full of trees", "PUBLIC")
science = space("open-science", "Open Science", "Share what you learn", "PUBLIC")
space("secret-lab", "Secret Lab", "Behind closed doors", "PRIVATE")
subspace(green, "Urban Parks")
subspace(green, "Rooftop Gardens")
subspace(science, "Data Sharing")
print("seeded: green-city, open-science (public, with subspaces), secret-lab (private)")
