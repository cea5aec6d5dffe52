"""工作台: the staff's and deputies' web console — server-rendered pages in Chinese over the same services and
rules as the JSON API (no second copy of any rule), with a cookie session and a CSRF token on every form."""
