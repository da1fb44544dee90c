"""Pages of the demonstration selection, by stage: rounds, applications, review, notice.

Thin views: reads through selectors, writes through services, who-may-what through
reform.scopes. Reviewers reach only their queue, their assignments and those applications'
evidence; every other page answers them 404.
"""
