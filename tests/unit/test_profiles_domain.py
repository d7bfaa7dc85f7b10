"""The rules of artist and buyer profiles, and the completion rate, without any adapter."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cultureup.domain.catalog.profiles import (
    ArtistLevel,
    ArtistProfile,
    ArtistProfileTerms,
    BuyerProfile,
    BuyerProfileTerms,
    completion_rate,
)
from cultureup.domain.errors import PermissionDenied, ValidationFailed
from cultureup.domain.money import Money
from tests.unit.builders import NOW, artist, buyer, staff


def artist_terms(**overrides: Any) -> ArtistProfileTerms:
    values: dict[str, Any] = {
        "bio": "  Portraits in oil and charcoal.  ", "skills": "Oil, Charcoal",
        "experience_level": "expert", "hourly_rate": Money("150.00"),
        "portfolio_description": "Forty commissioned portraits.", "is_available": True,
    }
    values.update(overrides)
    return ArtistProfileTerms(**values)


def new_artist_profile(**overrides: Any) -> ArtistProfile:
    return ArtistProfile.create(owner=artist(), terms=artist_terms(**overrides), existing=None,
                                now=NOW)


def details(error: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, list[str]]:
    return error.value.details


# -- artist profiles ------------------------------------------------------------------------


def test_an_artist_creates_a_profile_keyed_by_their_user_id() -> None:
    profile = new_artist_profile()
    assert profile.user_id == artist().id
    assert profile.bio == "Portraits in oil and charcoal."
    assert profile.experience_level is ArtistLevel.EXPERT
    assert profile.hourly_rate == Money("150.00")
    assert profile.created_at == profile.updated_at == NOW


@pytest.mark.parametrize("written", ["Intermediate", "INTERMEDIATE", " intermediate "])
def test_the_experience_level_is_read_in_any_case(written: str) -> None:
    assert new_artist_profile(experience_level=written).experience_level is (
        ArtistLevel.INTERMEDIATE)


@pytest.mark.parametrize("actor", [buyer(), staff()])
def test_only_artists_create_artist_profiles(actor: Any) -> None:
    with pytest.raises(PermissionDenied):
        ArtistProfile.create(owner=actor, terms=artist_terms(), existing=None, now=NOW)


def test_an_artist_has_at_most_one_profile() -> None:
    with pytest.raises(ValidationFailed) as error:
        ArtistProfile.create(owner=artist(), terms=artist_terms(),
                             existing=new_artist_profile(), now=NOW)
    assert "user" in details(error)


@pytest.mark.parametrize(("overrides", "field"), [
    ({"bio": "x" * 1001}, "bio"),
    ({"skills": "x" * 501}, "skills"),
    ({"portfolio_description": "x" * 2001}, "portfolio_description"),
    ({"experience_level": "entry"}, "experience_level"),
    ({"experience_level": ""}, "experience_level"),
    ({"hourly_rate": Money("-0.01")}, "hourly_rate"),
])
def test_invalid_artist_terms_are_refused(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationFailed) as error:
        new_artist_profile(**overrides)
    assert set(details(error)) == {field}


def test_the_limits_themselves_are_allowed() -> None:
    profile = new_artist_profile(bio="x" * 1000, skills="x" * 500,
                                 portfolio_description="x" * 2000, hourly_rate=Money(0))
    assert profile.hourly_rate == Money(0)


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ValidationFailed) as error:
        new_artist_profile(bio="x" * 1001, experience_level="guru", hourly_rate=Money(-1))
    assert set(details(error)) == {"bio", "experience_level", "hourly_rate"}


def test_the_owner_edits_the_profile() -> None:
    profile = new_artist_profile()
    later = NOW + timedelta(hours=2)
    profile.edit(by=artist(), terms=attrs.evolve(profile.terms, hourly_rate=Money("175.00"),
                                                 is_available=False,
                                                 experience_level="Beginner"), now=later)
    assert (profile.hourly_rate, profile.is_available, profile.experience_level) == (
        Money("175.00"), False, ArtistLevel.BEGINNER)
    assert profile.updated_at == later and profile.created_at == NOW


def test_an_invalid_edit_changes_nothing() -> None:
    profile = new_artist_profile()
    with pytest.raises(ValidationFailed):
        profile.edit(by=artist(), terms=attrs.evolve(profile.terms, bio="x" * 1001,
                                                     hourly_rate=Money("1.00")), now=NOW)
    assert profile.hourly_rate == Money("150.00")


@pytest.mark.parametrize("intruder", [artist(11, "artist_bilal"), buyer(), staff()])
def test_only_the_owner_edits_or_deletes_an_artist_profile(intruder: Any) -> None:
    profile = new_artist_profile()
    with pytest.raises(PermissionDenied):
        profile.edit(by=intruder, terms=profile.terms, now=NOW)
    with pytest.raises(PermissionDenied):
        profile.ensure_deletable(by=intruder)
    profile.ensure_deletable(by=artist())


# -- buyer profiles -------------------------------------------------------------------------


def test_a_buyer_creates_a_profile_with_optional_fields() -> None:
    profile = BuyerProfile.create(owner=buyer(), terms=BuyerProfileTerms(), existing=None,
                                  now=NOW)
    assert (profile.user_id, profile.company_name, profile.address) == (buyer().id, "", "")
    full = BuyerProfile.create(owner=buyer(), terms=BuyerProfileTerms(
        company_name=" Tech Innovations Inc ", address="123 Main Street, Lahore"),
        existing=None, now=NOW)
    assert full.company_name == "Tech Innovations Inc"


@pytest.mark.parametrize("actor", [artist(), staff()])
def test_only_buyers_create_buyer_profiles(actor: Any) -> None:
    with pytest.raises(PermissionDenied):
        BuyerProfile.create(owner=actor, terms=BuyerProfileTerms(), existing=None, now=NOW)


def test_a_buyer_has_at_most_one_profile() -> None:
    first = BuyerProfile.create(owner=buyer(), terms=BuyerProfileTerms(), existing=None,
                                now=NOW)
    with pytest.raises(ValidationFailed):
        BuyerProfile.create(owner=buyer(), terms=BuyerProfileTerms(), existing=first, now=NOW)


@pytest.mark.parametrize(("terms", "fields"), [
    (BuyerProfileTerms(company_name="x" * 201), {"company_name"}),
    (BuyerProfileTerms(address="x" * 501), {"address"}),
    (BuyerProfileTerms(company_name="x" * 201, address="x" * 501), {"company_name", "address"}),
])
def test_invalid_buyer_terms_are_refused(terms: BuyerProfileTerms, fields: set[str]) -> None:
    with pytest.raises(ValidationFailed) as error:
        BuyerProfile.create(owner=buyer(), terms=terms, existing=None, now=NOW)
    assert set(details(error)) == fields


def test_only_the_owner_edits_or_deletes_a_buyer_profile() -> None:
    profile = BuyerProfile.create(owner=buyer(), terms=BuyerProfileTerms(), existing=None,
                                  now=NOW)
    with pytest.raises(PermissionDenied):
        profile.edit(by=buyer(2, "buyer_omar"), terms=BuyerProfileTerms(address="x"), now=NOW)
    with pytest.raises(PermissionDenied):
        profile.ensure_deletable(by=artist())
    profile.edit(by=buyer(), terms=BuyerProfileTerms(address=" Karachi "), now=NOW)
    assert profile.address == "Karachi"


# -- completion rate ------------------------------------------------------------------------


@pytest.mark.parametrize(("completed", "cancelled", "rate"), [
    (0, 0, "0.0"), (0, 3, "0.0"), (5, 0, "100.0"), (2, 1, "66.7"), (1, 2, "33.3"),
    (1, 7, "12.5"), (197, 3, "98.5"), (1, 199, "0.5"), (1, 399, "0.3"),
])
def test_the_completion_rate_is_completed_over_ended_jobs(completed: int, cancelled: int,
                                                          rate: str) -> None:
    assert completion_rate(completed=completed, cancelled=cancelled) == Decimal(rate)


def test_job_counts_cannot_be_negative() -> None:
    with pytest.raises(ValueError):
        completion_rate(completed=-1, cancelled=0)


@given(st.integers(0, 10**6), st.integers(0, 10**6))
def test_the_completion_rate_is_a_one_decimal_percentage(completed: int,
                                                         cancelled: int) -> None:
    rate = completion_rate(completed=completed, cancelled=cancelled)
    assert Decimal(0) <= rate <= Decimal(100)
    assert rate.as_tuple().exponent == -1
    if completed + cancelled:
        exact = Decimal(completed) * 100 / Decimal(completed + cancelled)
        assert abs(rate - exact) <= Decimal("0.05")
