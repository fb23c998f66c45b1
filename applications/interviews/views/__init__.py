"""The interview pages: the panel's (``panel``), the approver's decisions (``decisions``), the applicant's decline."""
