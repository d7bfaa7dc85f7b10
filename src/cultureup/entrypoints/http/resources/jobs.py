"""/api/jobs/: the job board, a job's bids, hiring, completion and cancellation."""

from __future__ import annotations

from typing import Any

import falcon

from cultureup.application.jobs import JobService
from cultureup.application.views import JobFilters
from cultureup.domain.jobs import ExperienceLevel, JobStatus, JobTerms
from cultureup.entrypoints.http import serializers
from cultureup.entrypoints.http.auth import require_actor
from cultureup.entrypoints.http.input import Fields, json_object, optional, present
from cultureup.entrypoints.http.pagination import page_request, paginated
from cultureup.entrypoints.http.resources.bids import bid_filters

SEARCH_MAX = 200


def _job_fields(fields: Fields, *, partial: bool) -> dict[str, Any]:
    required = not partial
    return present(
        title=fields.string("title", required=required, max_length=200),
        description=fields.string("description", required=required, max_length=10_000),
        category_id=fields.identifier("category_id", required=required),
        budget_min=fields.money("budget_min", required=required),
        budget_max=fields.money("budget_max", required=required),
        duration_days=fields.integer("duration_days", required=required),
        required_skills=fields.string("required_skills", required=False, allow_blank=True,
                                      max_length=500),
        experience_level=fields.choice("experience_level",
                                       [level.value for level in ExperienceLevel],
                                       required=required),
        deadline=fields.timestamp("deadline", required=required),
    )


class JobListResource:
    def __init__(self, jobs: JobService) -> None:
        self._jobs = jobs

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        query = Fields(req.params, from_query=True)
        filters = JobFilters(
            status=optional(query.choice("status", [s.value for s in JobStatus],
                                         required=False)),
            category_id=optional(query.identifier("category", required=False)),
            experience_level=optional(query.choice(
                "experience_level", [e.value for e in ExperienceLevel], required=False)),
            min_budget=optional(query.money("min_budget", required=False)),
            max_budget=optional(query.money("max_budget", required=False)),
            search=optional(query.string("search", required=False, max_length=SEARCH_MAX)),
            ordering=optional(query.string("ordering", required=False, max_length=50)),
        )
        query.check()
        page = self._jobs.list_jobs(filters, page_request(req))
        resp.media = paginated(req, page, serializers.job)

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        actor = require_actor(req)
        fields = Fields(json_object(req))
        values = _job_fields(fields, partial=False)
        fields.check()
        values.setdefault("required_skills", "")
        resp.status = falcon.HTTP_201
        resp.media = serializers.job(self._jobs.post_job(actor, JobTerms(**values)))


class JobResource:
    def __init__(self, jobs: JobService) -> None:
        self._jobs = jobs

    def on_get(self, req: falcon.Request, resp: falcon.Response, job_id: int) -> None:
        resp.media = serializers.job(self._jobs.get_job(job_id))

    def on_put(self, req: falcon.Request, resp: falcon.Response, job_id: int) -> None:
        self._update(req, resp, job_id, partial=False)

    def on_patch(self, req: falcon.Request, resp: falcon.Response, job_id: int) -> None:
        self._update(req, resp, job_id, partial=True)

    def on_delete(self, req: falcon.Request, resp: falcon.Response, job_id: int) -> None:
        self._jobs.delete_job(require_actor(req), job_id)
        resp.status = falcon.HTTP_204

    def _update(self, req: falcon.Request, resp: falcon.Response, job_id: int, *,
                partial: bool) -> None:
        actor = require_actor(req)
        fields = Fields(json_object(req))
        values = _job_fields(fields, partial=partial)
        fields.check()
        resp.media = serializers.job(self._jobs.update_job(actor, job_id, values))


class JobBidsResource:
    def __init__(self, jobs: JobService) -> None:
        self._jobs = jobs

    def on_get(self, req: falcon.Request, resp: falcon.Response, job_id: int) -> None:
        actor = require_actor(req)
        page = self._jobs.list_job_bids(actor, job_id, bid_filters(req), page_request(req))
        resp.media = paginated(req, page, serializers.bid)


class HireResource:
    def __init__(self, jobs: JobService) -> None:
        self._jobs = jobs

    def on_post(self, req: falcon.Request, resp: falcon.Response, job_id: int) -> None:
        actor = require_actor(req)
        fields = Fields(json_object(req))
        bid_id = fields.identifier("bid_id")
        final_amount = fields.money("final_amount", required=False)
        fields.check()
        result = self._jobs.hire(actor, job_id, bid_id=bid_id,
                                 final_amount=optional(final_amount))
        resp.media = serializers.hire(result)


class CompleteResource:
    def __init__(self, jobs: JobService) -> None:
        self._jobs = jobs

    def on_post(self, req: falcon.Request, resp: falcon.Response, job_id: int) -> None:
        status = self._jobs.complete(require_actor(req), job_id)
        resp.media = {"message": "Job completed successfully",
                      "job": {"id": job_id, "status": status.value}}


class CancelResource:
    def __init__(self, jobs: JobService) -> None:
        self._jobs = jobs

    def on_post(self, req: falcon.Request, resp: falcon.Response, job_id: int) -> None:
        status = self._jobs.cancel(require_actor(req), job_id)
        resp.media = {"message": "Job cancelled successfully",
                      "job": {"id": job_id, "status": status.value}}
