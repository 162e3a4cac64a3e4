"""The tables, one module per domain noun. Models hold columns and relations, not business rules."""
from .base import fen_sum, utcnow  # noqa: F401
from .people import User, Device, ConsoleSession, LoginAttempt, Assignment  # noqa: F401
from .estate import Project, Building, Household, Party, Account  # noqa: F401
from .billing import Season, RateRule, Setting, Bill, BillAdjustment, SuspensionApplication, Refund  # noqa: F401
from .journal import Payment, Allocation  # noqa: F401
from .operations import Operation, Quarantine, SyncSession, DeviceSeq  # noqa: F401
from .field import FieldRecord, CollectionAction, Attachment  # noqa: F401
from .review import ReviewItem  # noqa: F401
from .changes import ChangeLog, AuditLog, Meta  # noqa: F401
from .ledger import DayClose, CashHandover  # noqa: F401
from .documents import Job, Document, DocumentDelivery, ScheduleRun  # noqa: F401
from .complaints import Complaint, ComplaintFollowUp  # noqa: F401
