// Staff made through the API as an administrator makes them: with an initial password,
// which the new user must replace at their first sign-in (until then the API answers 403
// `password_change_required`). Tests not about that do the change at once, through the API,
// so that from then on the user's own password signs them in.
import { call } from './totp.mjs';

/**
 * Creates `user` (the body of POST /users, with the password the user is to end up with)
 * and does their first sign-in's password change. Answers the created user.
 * @param {string} baseUrl @param {string} adminToken
 * @param {{ login: string, password: string } & Record<string, unknown>} user
 */
export async function createStaff(baseUrl, adminToken, user) {
  const initial = `${user.password} (initial)`;
  const created = await call(baseUrl, 'POST', '/users', adminToken, { ...user, password: initial });
  const signedIn = await call(baseUrl, 'POST', '/auth/login', null, { login: user.login, password: initial });
  await call(baseUrl, 'POST', '/me/password', signedIn.body.access_token, {
    current_password: initial,
    new_password: user.password,
  });
  return created.body;
}
