"""MailerService: the e-mail outbox, its SMTP dispatcher, support requests and
the dev SMTP sink."""
