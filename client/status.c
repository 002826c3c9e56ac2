/* Status descriptions, names, classification and CLI exit codes: one table, ESO_STATUS_MAP. */
#include <stddef.h>
#include <string.h>

#include <esologs/status.h>

struct row {
    const char *name;
    const char *text;
    bool transient;
    int exit_code;
};

/* Indexed by the code (the map's numbers are dense from 0; a duplicate one is an error of
 * -Woverride-init, a gap a NULL name that the status test finds). */
#define ROW(suffix, value, name, text, transient, exit) [value] = {name, text, transient, exit},
static const struct row rows[] = {ESO_STATUS_MAP(ROW)};
#undef ROW

#define COUNT (sizeof rows / sizeof *rows)

static const struct row *row_of(enum eso_status status)
{
    return (unsigned)status < COUNT ? &rows[status] : NULL;
}

const char *eso_strerror(enum eso_status status)
{
    const struct row *r = row_of(status);
    return r != NULL ? r->text : "unknown status";
}

const char *eso_status_name(enum eso_status status)
{
    const struct row *r = row_of(status);
    return r != NULL ? r->name : "unknown";
}

bool eso_status_is_transient(enum eso_status status)
{
    const struct row *r = row_of(status);
    return r != NULL && r->transient;
}

int eso_status_exit_code(enum eso_status status)
{
    const struct row *r = row_of(status);
    return r != NULL ? r->exit_code : 1;
}

enum eso_status eso_status_from_name(const char *name, enum eso_status *out)
{
    if (name == NULL || out == NULL)
        return ESO_BAD_ARGUMENT;
    for (size_t i = 0; i < COUNT; i++) {
        if (strcmp(rows[i].name, name) == 0) {
            *out = (enum eso_status)i;
            return ESO_OK;
        }
    }
    return ESO_BAD_ARGUMENT;
}
