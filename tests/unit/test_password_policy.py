"""The security adapters: StandardPasswordPolicy and Argon2PasswordHasher."""

from __future__ import annotations

import pytest

from cultureup.adapters.security.password_policy import StandardPasswordPolicy
from cultureup.adapters.security.passwords import Argon2PasswordHasher

TEST_USER = ("testuser", "testuser@example.com", "Test", "User")
JOHN = ("john_artist", "john@example.com", "John", "Doe")


@pytest.fixture(scope="module")
def policy() -> StandardPasswordPolicy:
    return StandardPasswordPolicy()


@pytest.fixture(scope="module")
def hasher() -> Argon2PasswordHasher:
    return Argon2PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.mark.parametrize(("password", "attributes"), [
    ("TestPass123!", TEST_USER),  # the API spec's examples
    ("SecurePass123!", JOHN),
    ("Kx9!vRt#2qLm", TEST_USER),
    ("correct horse battery staple", JOHN),
])
def test_strong_passwords_are_accepted(policy: StandardPasswordPolicy, password: str,
                                       attributes: tuple[str, ...]) -> None:
    assert policy.problems(password, user_attributes=attributes) == []


@pytest.mark.parametrize("password", ["password", "PASSWORD", "qwerty123", "letmein1"])
def test_common_passwords_are_refused(policy: StandardPasswordPolicy, password: str) -> None:
    assert "This password is too common." in policy.problems(password, user_attributes=())


def test_an_all_digit_password_is_refused(policy: StandardPasswordPolicy) -> None:
    problems = policy.problems("12345678", user_attributes=())
    assert "This password is entirely numeric." in problems
    assert "This password is entirely numeric." in policy.problems("80418275913",
                                                                   user_attributes=())


@pytest.mark.parametrize("password", ["", "Ab1!", "Xy7#kQ2"])
def test_passwords_shorter_than_eight_characters_are_refused(policy: StandardPasswordPolicy,
                                                             password: str) -> None:
    problems = policy.problems(password, user_attributes=())
    assert any("too short" in problem for problem in problems)
    assert not policy.problems("Xy7#kQ2m", user_attributes=())


def test_very_long_passwords_are_refused(policy: StandardPasswordPolicy) -> None:
    assert policy.problems("Xy7#kQ2m" * 16, user_attributes=()) == []
    assert any("too long" in p for p in policy.problems("Xy7#kQ2m" * 16 + "!",
                                                        user_attributes=()))


@pytest.mark.parametrize(("password", "attributes"), [
    ("johnsmith1", ("johnsmith", "j@example.com", "John", "Smith")),
    ("Testuser!", TEST_USER),
    ("ayesha.khan", ("artist_ayesha", "ayesha.khan@example.com", "Ayesha", "Khan")),
])
def test_a_password_similar_to_the_user_is_refused(policy: StandardPasswordPolicy,
                                                   password: str,
                                                   attributes: tuple[str, ...]) -> None:
    assert "The password is too similar to your personal information." in policy.problems(
        password, user_attributes=attributes)


def test_every_problem_is_reported(policy: StandardPasswordPolicy) -> None:
    assert len(policy.problems("1234", user_attributes=())) >= 2


def test_a_hash_verifies_its_password_only(hasher: Argon2PasswordHasher) -> None:
    password_hash = hasher.hash("TestPass123!")
    assert password_hash.startswith("$argon2id$")
    assert "TestPass123!" not in password_hash
    assert hasher.verify(password_hash, "TestPass123!")
    assert not hasher.verify(password_hash, "TestPass123")
    assert not hasher.verify(password_hash, "")


def test_the_same_password_hashes_differently_each_time(hasher: Argon2PasswordHasher) -> None:
    assert hasher.hash("TestPass123!") != hasher.hash("TestPass123!")


@pytest.mark.parametrize("garbage", [
    "", "garbage", "$argon2id$", "$argon2id$v=19$m=1024,t=1,p=1$garbage",
    "$2b$12$abcdefghijklmnopqrstuuH1r4sGl0v3dM3tV9bW0uQx8YzQ2a3b4c",
    "pbkdf2_sha256$600000$salt$hash",
])
def test_verify_returns_false_for_garbage_hashes(hasher: Argon2PasswordHasher,
                                                 garbage: str) -> None:
    assert hasher.verify(garbage, "TestPass123!") is False


def test_verify_returns_false_for_a_hash_that_is_not_ascii(hasher: Argon2PasswordHasher
                                                           ) -> None:
    # argon2-cffi encodes the hash as ASCII first and raises UnicodeEncodeError.
    assert hasher.verify("$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$é", "TestPass123!") is False


def test_a_truncated_hash_does_not_verify(hasher: Argon2PasswordHasher) -> None:
    password_hash = hasher.hash("TestPass123!")
    assert hasher.verify(password_hash[:-4], "TestPass123!") is False


def test_needs_rehash_is_true_when_the_parameters_change(hasher: Argon2PasswordHasher) -> None:
    password_hash = hasher.hash("TestPass123!")
    assert not hasher.needs_rehash(password_hash)
    stronger = Argon2PasswordHasher(time_cost=2, memory_cost=1024, parallelism=1)
    assert stronger.needs_rehash(password_hash)
    assert Argon2PasswordHasher(time_cost=1, memory_cost=2048, parallelism=1).needs_rehash(
        password_hash)
    assert stronger.verify(password_hash, "TestPass123!")


@pytest.mark.parametrize("garbage", ["", "garbage", "$2b$12$abcdefghijklmnopqrstuv"])
def test_a_hash_that_is_not_argon2_needs_a_rehash(hasher: Argon2PasswordHasher,
                                                   garbage: str) -> None:
    assert hasher.needs_rehash(garbage) is True
