"""Artist profiles, buyer profiles and equipment to the JSON shapes of the API contract."""

from __future__ import annotations

from typing import Any

from cultureup.application.catalog_views import (
    ArtistProfileView,
    BuyerProfileView,
    EquipmentView,
)
from cultureup.entrypoints.http.serializers import money, timestamp, user


def artist_profile(view: ArtistProfileView) -> dict[str, Any]:
    return {
        "user": user(view.user),
        "bio": view.bio,
        "skills": view.skills,
        "experience_level": view.experience_level,
        "hourly_rate": money(view.hourly_rate),
        "portfolio_description": view.portfolio_description,
        "rating": float(view.rating),
        "total_projects_completed": view.total_projects_completed,
        "total_earnings": money(view.total_earnings),
        "is_available": view.is_available,
        "completion_rate": float(view.completion_rate),
        "total_reviews": view.total_reviews,
    }


def buyer_profile(view: BuyerProfileView) -> dict[str, Any]:
    return {
        "user": user(view.user),
        "company_name": view.company_name,
        "address": view.address,
        "total_spent": money(view.total_spent),
        "projects_posted": view.projects_posted,
    }


def equipment(view: EquipmentView) -> dict[str, Any]:
    return {
        "id": view.id,
        "name": view.name,
        "description": view.description,
        "equipment_type": view.equipment_type,
        "price": money(view.price),
        "stock_quantity": view.stock_quantity,
        "image": view.image,
        "is_available": view.is_available,
        "created_at": timestamp(view.created_at),
        "updated_at": timestamp(view.updated_at),
        "in_stock": view.in_stock,
    }
