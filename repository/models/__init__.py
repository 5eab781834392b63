"""The data model: accounts, master data, the request queue and what the batch produces.

One module per concern; every model is re-exported here, so `from repository.models import X`
(and Django, which looks for the app's models in this package) sees them all.
"""

from repository.models.accounts import User, UserManager
from repository.models.batch import (
    AnnualObservation,
    CanaryRun,
    JmaBudget,
    MailOutbox,
    MonthLease,
    MonthlyObservation,
    PasswordResetAsk,
    RecordsWanted,
    StationRecords,
    Worker,
)
from repository.models.day_cache import DayLease, SubdailyObservation
from repository.models.master import Prefecture, Station, StationSite, WeatherItem
from repository.models.queue import (
    FileRequest,
    FileRequestItem,
    FileRequestStation,
    QueueLoad,
    QueueOwner,
    RequestEvent,
    ResultFile,
)
from repository.models.rate_limits import RateHits

__all__ = [
    "AnnualObservation",
    "CanaryRun",
    "DayLease",
    "FileRequest",
    "FileRequestItem",
    "FileRequestStation",
    "JmaBudget",
    "MailOutbox",
    "MonthLease",
    "MonthlyObservation",
    "PasswordResetAsk",
    "Prefecture",
    "QueueLoad",
    "QueueOwner",
    "RateHits",
    "RecordsWanted",
    "RequestEvent",
    "ResultFile",
    "Station",
    "StationRecords",
    "StationSite",
    "SubdailyObservation",
    "User",
    "UserManager",
    "WeatherItem",
    "Worker",
]
