/*
 * Excerpt modelled on Apple's sslKeyExchange.c (CVE-2014-1266, "goto fail").
 * The second `goto fail;` is indented as if the `if` above guarded it. It does not:
 * it always runs, skipping the signature check with err == 0, so the handshake "succeeds".
 */
#include <stddef.h>
#include <stdint.h>

typedef int OSStatus;
typedef struct { uint8_t *data; size_t length; } SSLBuffer;
typedef struct SSLContext SSLContext;
typedef struct { int (*update)(void *ctx, const SSLBuffer *buf); int (*final)(void *ctx, SSLBuffer *out); } HashRef;

extern HashRef SSLHashSHA1;
extern int sslRawVerify(SSLContext *ctx, const SSLBuffer *hash, const uint8_t *sig, size_t sigLen);
extern int ReadyHash(const HashRef *ref, void *hashCtx);
extern void SSLFreeBuffer(SSLBuffer *buf);

static OSStatus
SSLVerifySignedServerKeyExchange(SSLContext *ctx, SSLBuffer signedParams,
                                 uint8_t *signature, uint16_t signatureLen)
{
	OSStatus        err;
	SSLBuffer       hashOut, clientRandom, serverRandom;
	uint8_t         hashes[20];
	void           *hashCtx = NULL;

	hashOut.data = hashes;
	hashOut.length = sizeof(hashes);
	clientRandom.length = 0;
	serverRandom.length = 0;

	if ((err = ReadyHash(&SSLHashSHA1, &hashCtx)) != 0)
		goto fail;
	if ((err = SSLHashSHA1.update(hashCtx, &clientRandom)) != 0)
		goto fail;
	if ((err = SSLHashSHA1.update(hashCtx, &serverRandom)) != 0)
		goto fail;
	if ((err = SSLHashSHA1.update(hashCtx, &signedParams)) != 0)
		goto fail;
		goto fail;
	if ((err = SSLHashSHA1.final(hashCtx, &hashOut)) != 0)
		goto fail;

	err = sslRawVerify(ctx, &hashOut, signature, signatureLen);
	if (err) {
		goto fail;
	}

fail:
	SSLFreeBuffer(&clientRandom);
	SSLFreeBuffer(&serverRandom);
	return err;
}

OSStatus verify(SSLContext *ctx, SSLBuffer params, uint8_t *sig, uint16_t len)
{
	return SSLVerifySignedServerKeyExchange(ctx, params, sig, len);
}
