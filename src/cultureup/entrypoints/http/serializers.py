"""Views to the JSON shapes of the API contract: money as "0.00" strings, UTC times with Z."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cultureup.application.views import (
    BidView,
    CategoryView,
    HireResult,
    JobView,
    UserRef,
    UserView,
)
from cultureup.domain.money import Money
from cultureup.domain.users import User


def timestamp(value: datetime | None) -> str | None:
    return None if value is None else value.strftime("%Y-%m-%dT%H:%M:%SZ")


def money(value: Money | None) -> str | None:
    return None if value is None else str(value)


def user(view: UserView) -> dict[str, Any]:
    return {
        "id": view.id, "username": view.username, "email": view.email,
        "first_name": view.first_name, "last_name": view.last_name,
        "user_type": view.user_type, "phone_number": view.phone_number,
        "is_verified": view.is_verified, "profile_image": view.profile_image,
        "created_at": timestamp(view.created_at),
    }


def login_user(entity: User) -> dict[str, Any]:
    return {"id": entity.id, "username": entity.username, "email": entity.email,
            "user_type": entity.user_type.value, "first_name": entity.first_name,
            "last_name": entity.last_name}


def user_ref(ref: UserRef, *, full: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {"id": ref.id, "username": ref.username}
    if full:
        data.update(email=ref.email, first_name=ref.first_name, last_name=ref.last_name,
                    user_type=ref.user_type)
    return data


def category(view: CategoryView) -> dict[str, Any]:
    return {"id": view.id, "name": view.name, "description": view.description,
            "is_active": view.is_active, "created_at": timestamp(view.created_at),
            "updated_at": timestamp(view.updated_at)}


def job(view: JobView) -> dict[str, Any]:
    return {
        "id": view.id,
        "buyer": user_ref(view.buyer, full=True),
        "title": view.title,
        "description": view.description,
        "category": {"id": view.category.id, "name": view.category.name,
                     "description": view.category.description},
        "budget_min": money(view.budget_min),
        "budget_max": money(view.budget_max),
        "duration_days": view.duration_days,
        "required_skills": view.required_skills,
        "experience_level": view.experience_level,
        "status": view.status,
        "hired_artist": user_ref(view.hired_artist) if view.hired_artist else None,
        "final_amount": money(view.final_amount),
        "deadline": timestamp(view.deadline),
        "created_at": timestamp(view.created_at),
        "updated_at": timestamp(view.updated_at),
        "average_bid": money(view.average_bid),
        "total_bids": view.total_bids,
        "deadline_approaching": view.deadline_approaching,
    }


def bid(view: BidView) -> dict[str, Any]:
    return {
        "id": view.id,
        "job": {"id": view.job.id, "title": view.job.title, "buyer_name": view.job.buyer_name,
                "category_name": view.job.category_name,
                "budget_min": money(view.job.budget_min),
                "budget_max": money(view.job.budget_max), "status": view.job.status},
        "artist": user_ref(view.artist),
        "bid_amount": money(view.bid_amount),
        "delivery_time": view.delivery_time,
        "cover_letter": view.cover_letter,
        "status": view.status,
        "created_at": timestamp(view.created_at),
        "updated_at": timestamp(view.updated_at),
        "bid_rank": view.bid_rank,
    }


def hire(result: HireResult) -> dict[str, Any]:
    return {"message": "Artist hired successfully",
            "job": {"id": result.job_id, "status": result.status,
                    "hired_artist": user_ref(result.hired_artist),
                    "final_amount": money(result.final_amount)}}
