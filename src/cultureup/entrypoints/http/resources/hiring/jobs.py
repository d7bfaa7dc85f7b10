"""/api/jobs/: the job board, a job's bids, hiring, completion and cancellation."""

from __future__ import annotations

from typing import Any

import falcon
from pydantic import Field

from cultureup.application.hiring.jobs import JobService
from cultureup.application.views import JOB_ORDERING_FIELDS, JobFilters
from cultureup.domain.hiring.jobs import (
    DESCRIPTION_MAX,
    MAX_DAYS,
    SKILLS_MAX,
    TITLE_MAX,
    ExperienceLevel,
    JobStatus,
    JobTerms,
)
from cultureup.entrypoints.http.auth import optional_actor, require_actor
from cultureup.entrypoints.http.endpoint import Answer, Shape, endpoint
from cultureup.entrypoints.http.fields import (
    Choice,
    Id,
    Integer,
    MoneyIn,
    MoneyOut,
    Ordering,
    Text,
    Timestamp,
    TimestampIn,
)
from cultureup.entrypoints.http.resources.hiring.bids import Bid, BidPage, BidQuery
from cultureup.entrypoints.http.shapes import (
    CategoryRef,
    CursorPagination,
    PageOf,
    PublicUser,
    UserRef,
)

TAG = "Jobs"
SEARCH_MAX = 200
Title = Text(TITLE_MAX)
Description = Text(DESCRIPTION_MAX)
Days = Integer(1, MAX_DAYS, checked_by_use_case=True)
Skills = Text(SKILLS_MAX, blank=True)
Level = Choice([level.value for level in ExperienceLevel])
Status = Choice([status.value for status in JobStatus])
Search = Text(SEARCH_MAX, blank=True, description="Words in the title or description")
Budget = MoneyIn()
MinBudget = MoneyIn("any", description="Jobs whose budget reaches at least this amount")
MaxBudget = MoneyIn("any", description="Jobs whose budget starts at or below this amount")
JobOrdering = Ordering(JOB_ORDERING_FIELDS)


class JobInput(Shape):
    title: Title
    description: Description
    category_id: Id
    budget_min: Budget
    budget_max: Budget
    duration_days: Days
    required_skills: Skills = ""
    experience_level: Level
    deadline: TimestampIn


class JobUpdate(Shape):
    title: Title = None
    description: Description = None
    category_id: Id = None
    budget_min: Budget = None
    budget_max: Budget = None
    duration_days: Days = None
    required_skills: Skills = None
    experience_level: Level = None
    deadline: TimestampIn = None


class JobQuery(CursorPagination):
    status: Status = None
    category: Id = None
    experience_level: Level = None
    min_budget: MinBudget = None
    max_budget: MaxBudget = None
    search: Search = None
    ordering: JobOrdering = None



class Job(Answer):
    id: int
    buyer: PublicUser
    title: str
    description: str
    category: CategoryRef
    budget_min: MoneyOut
    budget_max: MoneyOut
    duration_days: int
    required_skills: str
    experience_level: str = Field(json_schema_extra={"enum": [e.value for e in ExperienceLevel]})
    status: str = Field(json_schema_extra={"enum": [s.value for s in JobStatus]})
    hired_artist: UserRef | None
    final_amount: MoneyOut | None
    deadline: Timestamp
    created_at: Timestamp
    updated_at: Timestamp
    average_bid: MoneyOut | None = Field(
        description="Mean of all bids on the job, rounded half-up; null without bids")
    total_bids: int
    deadline_approaching: bool = Field(
        description="Open and the deadline is less than three days away")

    @classmethod
    def of(cls, view: Any) -> Job:
        hired = view.hired_artist
        return cls(
            id=view.id, buyer=PublicUser.of(view.buyer), title=view.title,
            description=view.description,
            category=CategoryRef(id=view.category.id, name=view.category.name,
                                 description=view.category.description),
            budget_min=view.budget_min, budget_max=view.budget_max,
            duration_days=view.duration_days, required_skills=view.required_skills,
            experience_level=view.experience_level, status=view.status,
            hired_artist=UserRef(id=hired.id, username=hired.username) if hired else None,
            final_amount=view.final_amount, deadline=view.deadline,
            created_at=view.created_at, updated_at=view.updated_at,
            average_bid=view.average_bid, total_bids=view.total_bids,
            deadline_approaching=view.deadline_approaching)


class JobPage(PageOf[Job]):
    pass


class Hire(Shape):
    bid_id: Id
    final_amount: Budget = None


class HiredJob(Answer):
    id: int
    status: str
    hired_artist: UserRef
    final_amount: MoneyOut


class HireResult(Answer):
    message: str
    job: HiredJob


class JobState(Answer):
    id: int
    status: str


class JobStatusResult(Answer):
    message: str
    job: JobState


class JobListResource:
    def __init__(self, jobs: JobService) -> None:
        self._jobs = jobs

    @endpoint("List jobs", TAG, query=JobQuery, response=JobPage)
    def on_get(self, req: falcon.Request, resp: falcon.Response, query: JobQuery) -> JobPage:
        filters = JobFilters(
            status=query.status, category_id=query.category,
            experience_level=query.experience_level, min_budget=query.min_budget,
            max_budget=query.max_budget, search=query.search, ordering=query.ordering)
        return JobPage.of(req, self._jobs.list_jobs(filters, query.page_request()), Job.of)

    @endpoint("Post a job (buyers)", TAG, auth=True, body=JobInput, response=Job, status=201,
              errors=(403,))
    def on_post(self, req: falcon.Request, resp: falcon.Response, body: JobInput) -> Job:
        return Job.of(self._jobs.post_job(require_actor(req), JobTerms(**body.model_dump())))


class JobResource:
    def __init__(self, jobs: JobService) -> None:
        self._jobs = jobs

    @endpoint("One job", TAG, response=Job)
    def on_get(self, req: falcon.Request, resp: falcon.Response, job_id: int) -> Job:
        return Job.of(self._jobs.get_job(job_id, actor=optional_actor(req)))

    @endpoint("Replace a job's terms (its buyer, while open)", TAG, auth=True, body=JobInput,
              response=Job, errors=(403, 409))
    def on_put(self, req: falcon.Request, resp: falcon.Response, job_id: int, body: JobInput
               ) -> Job:
        return Job.of(self._jobs.update_job(require_actor(req), job_id, body.sent()))

    @endpoint("Change some of a job's terms (its buyer, while open)", TAG, auth=True,
              body=JobUpdate, response=Job, errors=(403, 409))
    def on_patch(self, req: falcon.Request, resp: falcon.Response, job_id: int,
                 body: JobUpdate) -> Job:
        return Job.of(self._jobs.update_job(require_actor(req), job_id, body.sent()))

    @endpoint("Delete a job that has not been hired for (its buyer)", TAG, auth=True,
              status=204, errors=(403, 409))
    def on_delete(self, req: falcon.Request, resp: falcon.Response, job_id: int) -> None:
        self._jobs.delete_job(require_actor(req), job_id)


class JobBidsResource:
    def __init__(self, jobs: JobService) -> None:
        self._jobs = jobs

    @endpoint("Bids on a job (its buyer; 409 while a moderator has the job removed)", TAG,
              auth=True, query=BidQuery, response=BidPage, errors=(403, 409))
    def on_get(self, req: falcon.Request, resp: falcon.Response, job_id: int,
               query: BidQuery) -> BidPage:
        page = self._jobs.list_job_bids(require_actor(req), job_id, query.filters(),
                                        query.page_request())
        return BidPage.of(req, page, Bid.of)


class HireResource:
    def __init__(self, jobs: JobService) -> None:
        self._jobs = jobs

    @endpoint("Hire the artist of a pending bid", TAG, auth=True, body=Hire,
              response=HireResult, errors=(403, 409))
    def on_post(self, req: falcon.Request, resp: falcon.Response, job_id: int, body: Hire
                ) -> HireResult:
        result = self._jobs.hire(require_actor(req), job_id, bid_id=body.bid_id,
                                 final_amount=body.final_amount)
        hired = result.hired_artist
        return HireResult(message="Artist hired successfully", job=HiredJob(
            id=result.job_id, status=result.status,
            hired_artist=UserRef(id=hired.id, username=hired.username),
            final_amount=result.final_amount))


class CompleteResource:
    def __init__(self, jobs: JobService) -> None:
        self._jobs = jobs

    @endpoint("Mark a job in progress as completed", TAG, auth=True,
              response=JobStatusResult, errors=(403, 409))
    def on_post(self, req: falcon.Request, resp: falcon.Response, job_id: int
                ) -> JobStatusResult:
        status = self._jobs.complete(require_actor(req), job_id)
        return JobStatusResult(message="Job completed successfully",
                               job=JobState(id=job_id, status=status.value))


class CancelResource:
    def __init__(self, jobs: JobService) -> None:
        self._jobs = jobs

    @endpoint("Cancel an open or in-progress job", TAG, auth=True, response=JobStatusResult,
              errors=(403, 409))
    def on_post(self, req: falcon.Request, resp: falcon.Response, job_id: int
                ) -> JobStatusResult:
        status = self._jobs.cancel(require_actor(req), job_id)
        return JobStatusResult(message="Job cancelled successfully",
                               job=JobState(id=job_id, status=status.value))
