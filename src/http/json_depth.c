/* json_depth: reject bodies nested too deep before any parser sees them, so
 * that a small body cannot make the parser (and everything walking its tree)
 * recurse thousands of levels. */
#include "http/server.h"

bool http_json_depth_ok(const char *body, size_t n, int max)
{
    int depth = 0;
    bool in_string = false;
    for (size_t i = 0; i < n; i++) {
        char ch = body[i];
        if (in_string) {
            if (ch == '\\')
                i++; /* the escaped character cannot end the string */
            else if (ch == '"')
                in_string = false;
        } else if (ch == '"') {
            in_string = true;
        } else if (ch == '[' || ch == '{') {
            if (++depth > max) return false;
        } else if ((ch == ']' || ch == '}') && depth > 0) {
            depth--;
        }
    }
    return true;
}
