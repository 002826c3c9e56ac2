/* The version of the library running (the header's macros say which one a program saw). */
#include <esologs/version.h>

unsigned eso_version(void)
{
    return ESO_VERSION_NUM;
}

const char *eso_version_string(void)
{
    return ESO_VERSION_STR;
}
