/** Upper-cases the text and adds an exclamation mark. */
export declare function shout(text: string): string;
