"""``GET /api/v1/member/<id>/balance``: the benefit balance the member's home page shows.

A member may ask only for his own (another id answers 404, as if it did not exist); the roles
that read members may ask for any."""

from __future__ import annotations

from flask import Response
from flask_appbuilder.api import BaseApi, expose
from flask_appbuilder.security.decorators import permission_name, protect

from app import security as perms
from app.api import openapi
from app.api.writes import answers_bad_input, parse_pk
from app.extensions import db
from app.services.balance import balance_of, visible_member
from app.services.errors import NotFound


class MemberBalanceApi(BaseApi):
    resource_name = "member"
    class_permission_name = perms.MEMBER
    method_permission_name = {"balance": perms.READ}
    allow_browser_login = True
    responses = openapi.RESPONSES
    openapi_spec_tag = "Member"

    @expose("/<pk>/balance", methods=["GET"])
    @protect()
    @answers_bad_input
    @permission_name("balance")
    def balance(self, pk: str) -> Response:
        """The member's benefit balance this benefit year.
        ---
        get:
          summary: The benefit balance of a member and his active dependents
          description: >-
            Per person (the member, then each active dependent) and benefit category: the
            annual limit (with the critical-illness top-up when it applies; null when the
            category has none), what decided claims approved so far this benefit year, what
            remains (null without a limit), and what claims not yet decided ask for. Amounts
            are decimal strings with two places. The same numbers the adjudication uses.
          parameters:
          - in: path
            name: pk
            required: true
            description: The member's id
            schema:
              type: integer
              format: int64
          responses:
            200:
              description: The balance
              content:
                application/json:
                  schema:
                    type: object
                    required: [id, result]
                    properties:
                      id:
                        type: integer
                        format: int64
                      result:
                        type: object
                        required: [member_id, member_number, benefit_year, people]
                        properties:
                          member_id:
                            type: integer
                            format: int64
                          member_number:
                            type: string
                          benefit_year:
                            type: object
                            required: [start, end]
                            properties:
                              start:
                                type: string
                                format: date
                              end:
                                type: string
                                format: date
                          people:
                            type: array
                            items:
                              type: object
                              required: [name, relationship, dependent_id, categories]
                              properties:
                                name:
                                  type: string
                                relationship:
                                  type: string
                                  enum: [member, spouse, child]
                                dependent_id:
                                  type: integer
                                  format: int64
                                  nullable: true
                                categories:
                                  type: array
                                  items:
                                    type: object
                                    required: [category, name, limit, approved, remaining,
                                               in_progress]
                                    properties:
                                      category:
                                        type: string
                                      name:
                                        type: string
                                      limit:
                                        type: string
                                        nullable: true
                                      approved:
                                        type: string
                                      remaining:
                                        type: string
                                        nullable: true
                                      in_progress:
                                        type: string
            401:
              $ref: '#/components/responses/Unauthorized'
            403:
              $ref: '#/components/responses/Forbidden'
            404:
              $ref: '#/components/responses/NotFound'
            500:
              $ref: '#/components/responses/ServerError'
        """
        member_id = parse_pk(pk)
        if member_id is None:
            return self.response_404()
        try:
            member = visible_member(db.session, member_id)
        except NotFound:
            return self.response_404()
        return self.response(200, id=member.id, result=balance_of(db.session, member).as_json())
