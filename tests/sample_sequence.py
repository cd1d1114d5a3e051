"""A realistic five-step educational sequence, for the funnel tests and the independent checks."""

from django.utils import timezone

from newsletter.models import Audience, Broadcast, Delivery, Sequence, Step, Subscriber

STEPS = [
    {
        "subject": "Welcome, and what to expect from these emails",
        "preview": "A short note about what is coming and how often.",
        "body": """Thank you for confirming. Over the next few weeks I will send you a handful of
short letters about how healing tends to unfold, one idea at a time.

You can expect one email every few days, never more. Each one takes about three minutes
to read. If the timing does not suit you, the links at the bottom let you pause for a few
weeks or stop altogether, and nothing else changes.

In the next email we will look at why understanding where a feeling comes from does not
always make it go away.""",
    },
    {
        "subject": "When understanding is not enough",
        "preview": "Why insight alone may not change how you feel.",
        "content_note": "This email mentions difficult childhood experiences in general terms.",
        "body": """Many people arrive at therapy already knowing a great deal about their own
story. They can name the patterns and trace them back. And still, the heaviness stays.

## Why knowing is only part of it

What we learn early is stored not only as memories we can describe, but as expectations
held by the body and the nervous system. Those expectations update slowly, through new
experiences rather than new explanations.

- Insight can tell you *why* a reaction happens.
- New experience, often in a safe relationship, is what helps it change.

If you would like to read more, the
[article this series is based on](https://stillwater.example/articles/insight) goes deeper.""",
    },
    {
        "subject": "A window for change",
        "preview": "How some newer approaches may help the brain relearn.",
        "body": """Some newer treatments appear to make the brain more flexible for a short
time. Researchers describe this as a window in which old patterns loosen and new ones can
form more easily.

A window is only an opening. What happens inside it matters most: the preparation
beforehand, the support during, and the time afterwards spent making sense of what came
up.

> Change tends to last when it is woven into everyday life, slowly and with support.

In the next email I will describe what that support can look like.""",
    },
    {
        "subject": "Why the time afterwards matters",
        "preview": "Integration: making sense of what comes up, at your own pace.",
        "body": """The sessions after an experience are where much of the work happens. We call
this integration: gently noticing what shifted, and finding words and small steps for it.

Approaches such as EMDR and Internal Family Systems can help here. Both move at a pace you
set, and both treat you as the expert on your own experience.

1. We notice what came up, without pushing.
2. We connect it with what matters in your life now.
3. We practise small changes between sessions.""",
    },
    {
        "subject": "Is this a good fit for you?",
        "preview": "What this approach may help with, and what it is not.",
        "body": """This way of working is not a quick fix, and it is not right for everyone. It
may help when talk therapy alone has felt stuck, or when old experiences still shape how
you feel today.

If you are curious whether it could suit you, a free consultation is a relaxed
conversation, with no obligation. You can ask anything, and decide afterwards, in your own
time.

Whatever you decide, thank you for reading these letters.""",
    },
]


def sequence(audience: Audience, slug: str = "understanding-change") -> Sequence:
    created = Sequence.objects.create(
        name="Understanding change", slug=slug, audience=audience, status="active"
    )
    for position, step in enumerate(STEPS, start=1):
        Step.objects.create(sequence=created, position=position, delay_value=position, **step)
    return created


def deliveries(sequence: Sequence, subscriber: Subscriber) -> list[Delivery]:
    return [
        Delivery.objects.create(subscriber=subscriber, step=step, created_at=timezone.now())
        for step in sequence.steps.order_by("position")
    ]


def broadcast(audiences: list[Audience], slug: str = "spring-letter") -> Broadcast:
    created = Broadcast.objects.create(
        slug=slug,
        subject="A letter for the change of season",
        preview="A few gentle ideas for the weeks ahead.",
        body="Spring can bring mixed feelings. Here are a few ideas for going gently.",
    )
    created.audiences.set(audiences)
    return created
