/* Symbol visibility for libesologs: only what carries ESO_API is exported. */
#ifndef ESOLOGS_EXPORT_H
#define ESOLOGS_EXPORT_H

#if defined(ESOLOGS_BUILDING) && defined(__GNUC__)
#define ESO_API __attribute__((visibility("default")))
#else
#define ESO_API
#endif

#endif
