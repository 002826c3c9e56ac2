/* The version of the library linked (esomock/version.h). */
#include <esomock/version.h>

unsigned esomock_version(void)
{
    return ESOMOCK_VERSION_NUM;
}

const char *esomock_version_string(void)
{
    return ESOMOCK_VERSION_STR;
}
