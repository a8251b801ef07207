"""OrderService: order lines under quotas, vial requests and their confirmation,
audit trail, history, consolidated exports and live totals."""
