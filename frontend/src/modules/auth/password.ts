/** How many of the four character classes (lower, upper, digit, other) a password uses. */
export function passwordClasses(value: string): number {
  return [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((re) => re.test(value)).length
}
