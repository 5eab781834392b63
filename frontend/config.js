// The one setting of the web front end: where the API answers (scheme, host, port; no slash
// at the end). scripts/serve_frontend.py answers this file from FRONTEND_API_BASE_URL when that
// is set (scripts/run.sh sets it); a plain static server (nginx) serves it as written here.
export const API_BASE_URL = "http://127.0.0.1:8000";
