"""The policy and its decision tree, as admins edit them.

Wording (``Question``, ``Choice``, ``ChoiceGroup``), routing (``Node``, ``Edge``) and
policy facts (``Verdict``, ``Citation``, ``Overlay``) live in separate tables. Every
saved change bumps ``PolicyState.revision``; workers compare it with the revision of
the tree they hold and recompile when it moved.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from supportscope.core.content import KINDS, clause_anchor
from supportscope.core.engine import Level
from supportscope.core.rendering import render_markdown

LEVEL_CHOICES = [
    (Level.SUPPORTED.value, _("Supported")),
    (Level.BEST_EFFORT.value, _("Best effort")),
    (Level.UNSUPPORTED.value, _("Unsupported")),
]


TERMS_HELP = _(
    "One per line: words a ticket may use for this answer, such as synonyms, product and "
    "tool names, CLI flags and error phrases."
)


class PolicyState(models.Model):
    """A single row holding the current policy revision number."""

    revision = models.PositiveIntegerField(default=0)
    # When the next scheduled draft is due (Unix seconds), read with the revision in one
    # query: a worker knows without asking again when to publish (see editing/drafts.py).
    next_publication = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("policy state")
        verbose_name_plural = _("policy state")

    def __str__(self) -> str:
        return f"revision {self.revision}"


class Revision(models.Model):
    """One saved change to the policy: who, when and what."""

    number = models.PositiveIntegerField(unique=True)
    created = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    summary = models.CharField(max_length=300)
    # [{"model": ..., "pk": ..., "object": ..., "before": {...}, "after": {...}}, ...]
    changes = models.JSONField(default=list, blank=True)
    # The fingerprint of the policy's content right after this revision (see serial.py).
    fingerprint = models.CharField(max_length=12, blank=True, default="", db_index=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")

    def __str__(self) -> str:
        return f"r{self.number}: {self.summary}"


class RevisionObject(models.Model):
    """One object a revision changed: finds an object's history with an indexed lookup."""

    revision = models.ForeignKey(Revision, related_name="touched_objects", on_delete=models.CASCADE)
    kind = models.CharField(max_length=20)
    object_id = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["kind", "object_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "kind", "object_id"], name="unique_revision_object"
            )
        ]

    def __str__(self) -> str:
        return f"r{self.revision_id} {self.kind}:{self.object_id}"


class Draft(models.Model):
    """A staged change of the policy: records edited apart from the live policy.

    ``base`` holds the live records when the draft was opened, ``records`` the draft's;
    publishing merges live changes made meanwhile (or refuses, on a conflict) and writes
    the result as one revision. ``publish_at`` schedules it.
    """

    OPEN, PUBLISHED, DISCARDED = "open", "published", "discarded"
    STATES = [(OPEN, _("open")), (PUBLISHED, _("published")), (DISCARDED, _("discarded"))]

    title = models.CharField(_("title"), max_length=200)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    base_revision = models.PositiveIntegerField(default=0)
    base = models.JSONField(default=dict)
    records = models.JSONField(default=dict)
    state = models.CharField(max_length=10, choices=STATES, default=OPEN, db_index=True)
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True, db_index=True)
    published_revision = models.PositiveIntegerField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    # Why a scheduled publication did not happen (cleared by the next edit).
    problems = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("draft")
        verbose_name_plural = _("drafts")

    def __str__(self) -> str:
        return self.title


class Versioned(models.Model):
    """Rows that admins edit: an optimistic-lock version and the hash last imported."""

    version = models.PositiveIntegerField(default=1, editable=False)
    source_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        abstract = True


class Section(Versioned):
    slug = models.SlugField(_("slug"), unique=True)
    order = models.PositiveIntegerField(_("order"))
    level = models.PositiveSmallIntegerField(
        _("heading level"), default=2, choices=[(2, "2"), (3, "3")]
    )
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_ko = models.CharField(_("title (Korean)"), max_length=200)

    class Meta:
        ordering = ["order"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self) -> str:
        return self.title_en

    @property
    def official_url(self) -> str:
        return f"https://learn.microsoft.com/azure/aks/support-policies#{self.slug}"


class Clause(Versioned):
    section = models.ForeignKey(
        Section, verbose_name=_("section"), related_name="clauses", on_delete=models.PROTECT
    )
    key = models.SlugField(_("key"))
    order = models.PositiveIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=10, choices=[(kind, kind) for kind in KINDS])
    body_en = models.TextField(_("text (English)"))
    body_ko = models.TextField(_("text (Korean)"))
    # Sanitized HTML, rendered when the Markdown is saved, never per request.
    html_en = models.TextField(editable=False, default="")
    html_ko = models.TextField(editable=False, default="")
    retired = models.BooleanField(_("retired"), default=False)

    class Meta:
        ordering = ["section__order", "order"]
        verbose_name = _("clause")
        verbose_name_plural = _("clauses")
        constraints = [models.UniqueConstraint(fields=["section", "key"], name="unique_clause_key")]

    def __str__(self) -> str:
        return self.anchor

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.html_en = render_markdown(self.body_en)
        self.html_ko = render_markdown(self.body_ko)
        super().save(*args, **kwargs)

    @property
    def anchor(self) -> str:
        return clause_anchor(self.section.slug, self.key)


class ChoiceGroup(Versioned):
    key = models.SlugField(_("key"), unique=True)
    order = models.PositiveIntegerField(_("order"))
    label_en = models.CharField(_("label (English)"), max_length=100)
    label_ko = models.CharField(_("label (Korean)"), max_length=100)

    class Meta:
        ordering = ["order"]
        verbose_name = _("choice group")
        verbose_name_plural = _("choice groups")

    def __str__(self) -> str:
        return self.label_en


class Question(Versioned):
    key = models.SlugField(
        _("key"), unique=True, help_text=_("The query parameter name. Public contract.")
    )
    order = models.PositiveIntegerField(_("order"))
    text_en = models.CharField(_("question (English)"), max_length=300)
    text_ko = models.CharField(_("question (Korean)"), max_length=300)
    help_en = models.CharField(_("help (English)"), max_length=300, blank=True)
    help_ko = models.CharField(_("help (Korean)"), max_length=300, blank=True)
    allow_unknown = models.BooleanField(_("offer “don't know”"), default=False)

    class Meta:
        ordering = ["order"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.key


class Choice(Versioned):
    question = models.ForeignKey(
        Question, verbose_name=_("question"), related_name="choices", on_delete=models.CASCADE
    )
    value = models.SlugField(_("value"), help_text=_("The query parameter value. Public contract."))
    order = models.PositiveIntegerField(_("order"))
    label_en = models.CharField(_("label (English)"), max_length=200)
    label_ko = models.CharField(_("label (Korean)"), max_length=200)
    description_en = models.CharField(_("description (English)"), max_length=300, blank=True)
    description_ko = models.CharField(_("description (Korean)"), max_length=300, blank=True)
    terms_en = models.TextField(_("search terms (English)"), blank=True, help_text=TERMS_HELP)
    terms_ko = models.TextField(_("search terms (Korean)"), blank=True, help_text=TERMS_HELP)
    group = models.ForeignKey(
        ChoiceGroup, verbose_name=_("group"), null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        ordering = ["question__order", "order"]
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        constraints = [
            models.UniqueConstraint(fields=["question", "value"], name="unique_choice_value")
        ]

    def __str__(self) -> str:
        return f"{self.question.key}={self.value}"


class Verdict(Versioned):
    name = models.SlugField(_("name"), unique=True)
    order = models.PositiveIntegerField(_("order"))
    level = models.CharField(_("level"), max_length=12, choices=LEVEL_CHOICES)
    rationale_en = models.TextField(_("rationale (English)"))
    rationale_ko = models.TextField(_("rationale (Korean)"))
    make_supported_en = models.TextField(_("what would make it supported (English)"), blank=True)
    make_supported_ko = models.TextField(_("what would make it supported (Korean)"), blank=True)
    modifiers = models.ManyToManyField(
        Question, verbose_name=_("modifiers"), blank=True, related_name="modified_verdicts"
    )
    clauses: models.ManyToManyField[Clause, Citation] = models.ManyToManyField(
        Clause, through="Citation", related_name="verdicts"
    )

    class Meta:
        ordering = ["order"]
        verbose_name = _("verdict")
        verbose_name_plural = _("verdicts")

    def __str__(self) -> str:
        return self.name


class Citation(models.Model):
    verdict = models.ForeignKey(
        Verdict, verbose_name=_("verdict"), related_name="citations", on_delete=models.CASCADE
    )
    clause = models.ForeignKey(
        Clause, verbose_name=_("clause"), related_name="citations", on_delete=models.PROTECT
    )
    order = models.PositiveIntegerField(_("order"))

    class Meta:
        ordering = ["verdict", "order"]
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        constraints = [
            models.UniqueConstraint(fields=["verdict", "clause"], name="unique_citation")
        ]

    def __str__(self) -> str:
        return f"{self.verdict.name} → {self.clause.anchor}"


class Node(Versioned):
    """A point in the tree where a question is asked."""

    name = models.SlugField(_("name"), unique=True)
    order = models.PositiveIntegerField(_("order"))
    question = models.ForeignKey(
        Question, verbose_name=_("question"), related_name="nodes", on_delete=models.PROTECT
    )
    is_start = models.BooleanField(_("start of the tree"), default=False)

    class Meta:
        ordering = ["order"]
        verbose_name = _("node")
        verbose_name_plural = _("nodes")

    def __str__(self) -> str:
        return self.name


class Edge(models.Model):
    """Where one answer at a node leads: another node or a verdict."""

    node = models.ForeignKey(
        Node, verbose_name=_("node"), related_name="edges", on_delete=models.CASCADE
    )
    value = models.SlugField(_("answer value"))
    to_node = models.ForeignKey(
        Node,
        verbose_name=_("to node"),
        null=True,
        blank=True,
        related_name="incoming",
        on_delete=models.PROTECT,
    )
    to_verdict = models.ForeignKey(
        Verdict,
        verbose_name=_("to verdict"),
        null=True,
        blank=True,
        related_name="incoming",
        on_delete=models.PROTECT,
    )

    class Meta:
        verbose_name = _("route")
        verbose_name_plural = _("routes")
        constraints = [
            models.UniqueConstraint(fields=["node", "value"], name="unique_edge"),
            models.CheckConstraint(
                condition=models.Q(to_node__isnull=True) ^ models.Q(to_verdict__isnull=True),
                name="edge_has_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.node.name}: {self.value} → {self.target_name}"

    @property
    def target_name(self) -> str:
        return self.to_node.name if self.to_node else self.to_verdict.name  # type: ignore[union-attr]


class Modifier(Versioned):
    """A question, such as ``preview``, whose answer overlays a verdict on the result."""

    question = models.OneToOneField(
        Question, verbose_name=_("question"), related_name="modifier", on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = _("modifier")
        verbose_name_plural = _("modifiers")

    def __str__(self) -> str:
        return self.question.key


class Overlay(models.Model):
    """What one answer to a modifier lays over a verdict (nothing, when ``verdict`` is empty)."""

    modifier = models.ForeignKey(
        Modifier, verbose_name=_("modifier"), related_name="overlays", on_delete=models.CASCADE
    )
    value = models.SlugField(_("answer value"))
    verdict = models.ForeignKey(
        Verdict,
        verbose_name=_("overlay verdict"),
        null=True,
        blank=True,
        related_name="overlaid_by",
        on_delete=models.PROTECT,
    )

    class Meta:
        verbose_name = _("overlay")
        verbose_name_plural = _("overlays")
        constraints = [models.UniqueConstraint(fields=["modifier", "value"], name="unique_overlay")]

    def __str__(self) -> str:
        return f"{self.modifier.question.key}={self.value}"


class RetiredAnswer(Versioned):
    """An answer that was removed from the tree. Links that still carry it are answered
    with a notice and the question asked again, never with an error."""

    question = models.SlugField(_("question key"))
    value = models.SlugField(_("value"))
    label_en = models.CharField(_("label (English)"), max_length=200)
    label_ko = models.CharField(_("label (Korean)"), max_length=200)

    class Meta:
        verbose_name = _("retired answer")
        verbose_name_plural = _("retired answers")
        constraints = [
            models.UniqueConstraint(fields=["question", "value"], name="unique_retired_answer")
        ]

    def __str__(self) -> str:
        return f"{self.question}={self.value}"
