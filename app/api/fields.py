"""Marshmallow fields and the schema converter behind every REST resource.

FAB builds its schemas from the columns with marshmallow-sqlalchemy; on our stack that lets a
client cause server errors and makes the OpenAPI document lie. Our converter changes what it
builds, so that the behaviour and the document come from the same fields:
- a relationship is written as the id of an existing record the caller may see (never a new row);
- Numeric columns are decimal strings out, and in: checked for sign, places and size;
- string enums are strings with their values; text refuses NUL and blank required values;
- integers stay inside what every database stores;
- response schemas mark nothing required (a client may ask for fewer columns).
"""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_appbuilder.api.convert import Model2SchemaConverter, TreeNode
from flask_appbuilder.models.sqla.interface import SQLAInterface
from marshmallow import ValidationError, fields, validate
from marshmallow_sqlalchemy.fields import Related

from app.access import scope_query

INT32_MAX = 2**31 - 1
ID_MAX = 2**63 - 1


def model_label(model: type) -> str:
    """'ScaleItem' -> 'scale item', for messages."""
    name = model.__name__
    return "".join(f" {c.lower()}" if c.isupper() else c for c in name).strip()


class RecordId(Related):
    """A many-to-one relationship given by the related record's integer id.

    Only existing records that the caller may see are accepted (the Member role's row rule applies),
    so an unknown id, ``{}`` or a dict can never create a related row.
    """

    def __init__(self, model: type, **kwargs: Any) -> None:
        self.record_model = model
        super().__init__(**kwargs)
        self.metadata.update(type="integer", format="int64", minimum=1, maximum=ID_MAX,
                             description=f"The id of a {model_label(model)}.")

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> int | None:
        return None if value is None else value.id

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        label = model_label(self.record_model)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError(f"Give the id of a {label} (an integer).")
        record = None
        if 1 <= value <= ID_MAX:
            from app.extensions import db

            query = sa.select(self.record_model).where(self.record_model.id == value)
            scoped = scope_query(query, self.record_model)
            record = db.session.execute(scoped).scalar_one_or_none()
        if record is None:
            raise ValidationError(f"There is no {label} with id {value}.")
        return record


class DecimalText(fields.Decimal):
    """A Numeric(precision, scale) column: a string such as "1500.00" out, a string or number in."""

    def __init__(self, precision: int, scale: int, **kwargs: Any) -> None:
        super().__init__(as_string=True, allow_nan=False, **kwargs)
        self.scale = scale
        self.maximum = Decimal(10) ** (precision - scale) - Decimal(1).scaleb(-scale)
        digits = precision - scale
        self.metadata.update(
            type="string",
            format="decimal",
            pattern=rf"^[0-9]{{1,{digits}}}(\.[0-9]{{1,{scale}}})?$",
            example="1500.00" if digits >= 4 else "80.00",
            description=f"A decimal number with at most {scale} places, as a string "
            "(a JSON number is accepted too).",
        )

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Decimal:
        amount = super()._deserialize(value, attr, data, **kwargs)
        if amount < 0:
            raise ValidationError("The amount cannot be negative.")
        if amount.as_tuple().exponent < -self.scale:  # type: ignore[operator]
            raise ValidationError(f"Use at most {self.scale} decimal places.")
        if amount > self.maximum:
            raise ValidationError("The amount is too large.")
        return amount.quantize(Decimal(1).scaleb(-self.scale))


class UtcDateTime(fields.DateTime):
    """Stored as naive UTC (app.models.base.utcnow): out with its offset, as RFC 3339 wants; in,
    any offset is converted to UTC and a time without one is taken as UTC."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.metadata.update(description="Date and time; UTC unless an offset is given.")

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> str | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return super()._serialize(value, attr, obj, **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> datetime:
        moment = super()._deserialize(value, attr, data, **kwargs)
        if moment.tzinfo is not None:
            moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
        return moment


def no_nul(value: str) -> None:
    # PostgreSQL cannot store NUL in text; refuse it as input, not as a server error.
    if "\x00" in value:
        raise ValidationError("The text contains a NUL character.")


def not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("This field cannot be blank.")


class ClaimdeskSchemaConverter(Model2SchemaConverter):
    """FAB's converter with the rules above; ``nested=True`` builds response schemas."""

    def convert(self, columns: list[str], model: Any = None, nested: bool = True,
                parent_schema_name: str | None = None) -> Any:
        schema = super().convert(columns, model=model, nested=nested,
                                 parent_schema_name=parent_schema_name)
        if nested:
            for field in schema.fields.values():
                field.required = False
        return schema

    def _column2relation(self, datamodel: SQLAInterface, column: TreeNode, nested: bool = False,
                         parent_schema_name: str | None = None) -> fields.Field:
        nullable = datamodel.is_nullable(column.name)
        if nested:
            field = super()._column2relation(datamodel, column, nested=True,
                                             parent_schema_name=parent_schema_name)
            field.allow_none = nullable
            for sub_field in field.nested.fields.values():  # a client may ask for fewer
                sub_field.required = False
            return field
        if not datamodel.is_relation_many_to_one(column.name):
            return super()._column2relation(datamodel, column, nested=False,
                                            parent_schema_name=parent_schema_name)
        return RecordId(datamodel.get_related_model(column.name), required=not nullable,
                        allow_none=nullable)

    def _column2enum(self, datamodel: SQLAInterface, column: TreeNode) -> fields.Field:
        sqla_type = datamodel.list_columns[column.name].type
        nullable = datamodel.is_nullable(column.name)
        return fields.String(required=not nullable, allow_none=nullable,
                             validate=validate.OneOf(list(sqla_type.enums)))

    def _column2field(self, datamodel: SQLAInterface, column: TreeNode, nested: bool = True,
                      parent_schema_name: str | None = None) -> fields.Field:
        field = super()._column2field(datamodel, column, nested=nested,
                                      parent_schema_name=parent_schema_name)
        sqla_column = datamodel.list_columns.get(column.name)
        if sqla_column is None or datamodel.is_relation(column.name):
            return field
        sqla_type = sqla_column.type
        nullable = datamodel.is_nullable(column.name)
        if isinstance(sqla_type, sa.Numeric) and not isinstance(sqla_type, sa.Float):
            decimal_field = DecimalText(sqla_type.precision or 14, sqla_type.scale or 2,
                                        required=field.required, allow_none=nullable,
                                        validate=field.validators)
            decimal_field.unique = getattr(field, "unique", False)
            return decimal_field
        if isinstance(sqla_type, sa.DateTime):
            return UtcDateTime(required=field.required, allow_none=nullable)
        if isinstance(field, fields.Integer) and not sqla_column.primary_key:
            field.validators.append(validate.Range(min=-INT32_MAX - 1, max=INT32_MAX))
        elif isinstance(field, fields.String) and not datamodel.is_enum(column.name):
            field.validators.append(no_nul)
            if not nullable:
                field.validators.append(not_blank)
        return field
